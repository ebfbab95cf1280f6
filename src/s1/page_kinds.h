// Private to the s1 module: the strategy object of each stream kind
// (PageApiOf in page.cc chooses among them).
#pragma once

#include "s1c/s1/page_api.h"

namespace s1c::s1 {

const PageApi& RestPages();     // rest_page.cc
const PageApi& GraphqlPages();  // graphql_page.cc

}  // namespace s1c::s1
