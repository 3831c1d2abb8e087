#ifndef RETORT_CPGQUERY_SHIM_H
#define RETORT_CPGQUERY_SHIM_H
/* libpg_query (Debian libpg-query-dev): PostgreSQL 15's own parser. It ships no
 * pkg-config file, so the module map names the library itself. */
#include <pg_query.h>
#endif
