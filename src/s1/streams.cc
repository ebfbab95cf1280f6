#include "s1c/s1/streams.h"

// Each row names only the fields it sets; the rest keep their defaults
// (GCC 12 warns about that even for designated initializers).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace s1c::s1 {
namespace {

// The built-in Unified Alert Management query: every field of an alert node
// the Alerts view shows, so the node forwarded is the whole alert. A console
// whose schema lacks one of them answers with a GraphQL validation error;
// query_file then replaces this text (docs/configuration.md).
constexpr std::string_view kUnifiedAlertsQuery = R"(query S1CollectorUnifiedAlerts($first: Int!, $after: String, $filters: [FilterInput!], $sort: SortInput) {
  alerts(first: $first, after: $after, filters: $filters, sort: $sort) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id externalId name description
        severity status result analystVerdict classification confidenceLevel
        detectedAt createdAt updatedAt firstSeenAt lastSeenAt
        storylineId ticketId noteExists exclusionHash
        attackSurfaces dataSources availableActionIds
        detectionSource { product vendor }
        analytics { category name typeValue uid }
        assignee { userId email fullName }
        assets {
          id name category subcategory assetTypeClassifier origin role status
          osType osVersion agentUuid agentVersion connectivityToConsole
          decommissioned lastLoggedInUser accessible pendingReboot policy
        }
        process {
          cmdLine parentName
          file { name path md5 sha1 sha256 certSubject }
        }
        realTime {
          scope { account { id name } group { id name } site { id name } }
        }
        detectionTime {
          scope { accountId accountName groupName siteName }
          attacker { host ip }
          assets {
            accessible origin
            asset {
              agentVersion consoleIpAddress domain ipV4 ipV6 lastLoggedInUser
              osName osRevision osType policy subscriptionTime
            }
            scope { accountId accountName groupName siteName }
          }
        }
        sloDetails {
          timeToResolveData { actionComplete actionDue completion completionTime status target targetTime }
          timeToResponseData { actionComplete actionDue completion completionTime status target targetTime }
        }
      }
    }
  }
})";

constexpr std::string_view kEpoch = "1970-01-01T00:00:00Z";
// An inventory's updatedAt is set when the console records the change, so
// it is not indexed late: no sweep.
constexpr int kInventoryLookbackSeconds = 0;
constexpr int kInventoryPollIntervalSeconds = 300;

}  // namespace

std::string_view KindName(StreamKind kind) {
  return kind == StreamKind::kGraphql ? "graphql" : "rest";
}

const std::vector<StreamSpec>& AllStreams() {
  // docs/design.md section 3. The alerts sort/filter names follow the
  // cloud-detection/alerts API documentation (sortBy=alertInfoUpdatedAt,
  // updatedAt__gte); fix them here if a console disagrees.
  static const std::vector<StreamSpec> kStreams = {
      {.name = "activities",
       .kind = StreamKind::kRest,
       .path = "activities",
       .time_pointer = "/createdAt",
       .sort_by = "createdAt",
       .filter_field = "createdAt",
       .key_pointer = "/id",
       .key_includes_time = false,
       .enabled_by_default = true,
       .permission = "Activity Page.view"},
      // v2.1 threats have no top-level createdAt: their times are under threatInfo.
      {.name = "threats",
       .kind = StreamKind::kRest,
       .path = "threats",
       .time_pointer = "/threatInfo/updatedAt",
       .sort_by = "updatedAt",
       .filter_field = "updatedAt",
       .key_pointer = "/id",
       .key_includes_time = true,
       .enabled_by_default = true,
       .permission = "Threats.view"},
      {.name = "alerts",
       .kind = StreamKind::kRest,
       .path = "cloud-detection/alerts",
       .time_pointer = "/alertInfo/updatedAt",
       .sort_by = "alertInfoUpdatedAt",
       .filter_field = "updatedAt",
       .key_pointer = "/alertInfo/alertId",
       .key_includes_time = true,
       .enabled_by_default = false,
       .permission = "Custom Alerts.view",
       .forbidden_hint = "the console also answers 403 here when the scope has no Custom Rules "
                         "(STAR) enabled; enable them or disable the alerts stream"},
      {.name = "unified_alerts",
       .kind = StreamKind::kGraphql,
       .path = "unifiedalerts/graphql",
       .time_pointer = "/updatedAt",
       .sort_by = "updatedAt",
       .filter_field = "updatedAt",
       .key_pointer = "/id",
       .key_includes_time = true,
       .enabled_by_default = false,
       .permission = "Alerts.view (Unified Alert Management)",
       .connection = "alerts",
       .graphql_query = kUnifiedAlertsQuery},
      {.name = "agents",
       .kind = StreamKind::kRest,
       .path = "agents",
       .time_pointer = "/updatedAt",
       .sort_by = "updatedAt",
       .filter_field = "updatedAt",
       .key_pointer = "/id",
       .key_includes_time = true,
       .enabled_by_default = false,
       .permission = "Endpoints.view",
       .default_poll_interval_seconds = kInventoryPollIntervalSeconds,
       .default_start_from = kEpoch,
       .default_lookback_seconds = kInventoryLookbackSeconds},
      {.name = "groups",
       .kind = StreamKind::kRest,
       .path = "groups",
       .time_pointer = "/updatedAt",
       .sort_by = "updatedAt",
       .filter_field = "updatedAt",
       .key_pointer = "/id",
       .key_includes_time = true,
       .enabled_by_default = false,
       .permission = "Groups.view",
       .default_poll_interval_seconds = kInventoryPollIntervalSeconds,
       .default_start_from = kEpoch,
       .default_lookback_seconds = kInventoryLookbackSeconds},
  };
  return kStreams;
}

const StreamSpec* FindStream(std::string_view name) {
  for (const StreamSpec& spec : AllStreams()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace s1c::s1
