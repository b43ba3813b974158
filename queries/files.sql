-- Every file loaded into the published snapshot, with its checksum and role.
-- Grain: one row per file.
-- Parameters: none.
select f.file_id, f.ingest_id, f.name, f.role, f.rows, f.sha256, i.loaded_at, i.who
from files as f
join ingests as i using (ingest_id)
order by f.file_id desc
