-- What the published snapshot holds and when it was made: for "data as of" notes.
-- Grain: one row.
-- Parameters: none.
select
    (select count(*) from units) as units,
    (select count(*) from events) as events,
    (select count(*) from files) as files,
    (select min(published) from events) as first_published,
    (select max(published) from events) as last_published,
    (select max(loaded_at) from ingests) as last_ingest,
    (select coalesce(bool_or(who = 'sample'), false) from ingests) as from_sample
