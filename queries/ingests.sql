-- The record of every ingest into the published snapshot, newest first, with its files.
-- Grain: one row per ingest.
-- Parameters: none.
select
    i.ingest_id,
    i.loaded_at,
    i.who,
    i.files,
    i.rows,
    i.outcome,
    string_agg(f.name, '、' order by f.file_id) as file_names
from ingests as i
left join files as f using (ingest_id)
group by all
order by i.ingest_id desc
