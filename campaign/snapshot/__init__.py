"""The one DuckDB snapshot file: schema, derived tables, building aside, publishing atomically, kept
snapshots and rollback, read-only connections. The only package that connects to DuckDB."""
