// The page served by `audiogan serve`: HTML, CSS and JavaScript compiled into the binary, so the
// page works offline with no build step and no files beside the executable.
#pragma once

#include "serve/web/app_js.h"
#include "serve/web/index_html.h"
#include "serve/web/style_css.h"
