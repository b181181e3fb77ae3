-- autopilot 0.1: schema, version, boundary self-test.
-- Sections are owned by concern; keep each concern's objects together under its heading.
\echo Use "CREATE EXTENSION autopilot CASCADE" to load this file. \quit

-- ===== core ==========================================================================
CREATE FUNCTION @extschema@.version() RETURNS text
    LANGUAGE c STRICT STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'autopilot_version';

-- Not STRICT: the NULL check is part of what it tests.
CREATE FUNCTION @extschema@.boundary_selftest(kind text) RETURNS text
    LANGUAGE c VOLATILE
    AS 'MODULE_PATHNAME', 'autopilot_boundary_selftest';

REVOKE ALL ON SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.boundary_selftest(text) FROM PUBLIC;
