// Included last by the extension's pure C++ files (the ones unit-tested without a server): fails the
// build if a PostgreSQL header slipped in, so those files keep compiling outside the backend.
#pragma once

#ifdef POSTGRES_H
#error "a pure C++ file of the extension includes PostgreSQL headers"
#endif
