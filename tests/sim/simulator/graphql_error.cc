#include "simulator/graphql_error.h"

#include <nlohmann/json.hpp>

namespace s1c::sim {

std::string RenderGraphqlErrors(const std::vector<GraphqlError>& errors) {
  // ordered_json: the keys keep the order GraphQL servers print them in.
  using ordered = nlohmann::ordered_json;
  ordered list = ordered::array();
  for (const GraphqlError& e : errors) {
    ordered item = {{"message", e.message}};
    if (e.location) {
      item["locations"] =
          ordered::array({{{"line", e.location->line}, {"column", e.location->column}}});
    }
    item["extensions"] = {{"code", e.code}};
    list.push_back(std::move(item));
  }
  return ordered({{"errors", std::move(list)}, {"data", nullptr}}).dump();
}

}  // namespace s1c::sim
