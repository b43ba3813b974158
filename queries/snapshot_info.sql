-- What the published snapshot holds and when it was made: for "data as of" notes.
-- Grain: one row.
-- Parameters: none.
select
    (select count(*) from units) as units,
    (select count(*) from events) as events,
    (select count(*) from files) as files,
    (select first_published from event_range) as first_published,
    (select last_published from event_range) as last_published,
    (select max(loaded_at) from ingests) as last_ingest,
    (select coalesce(bool_or(who = 'sample'), false) from ingests) as from_sample
