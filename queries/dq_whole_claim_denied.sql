-- Data quality: a committee or village marked not whole (否) in a list published on day D while, at the end of
-- day D, every roster unit of the marked kind is created: by the status history it was created as a whole.
-- Grain: one row per mark: one list's (file and day's) 否 on a committee or village and kind of unit; mark_row
-- is the list's first row marked so.
-- Parameters: $as_of (date, null = latest: marks published up to that day), $district (null = all).
-- Reads whole_mark_units (derive.sql).
select
    district, town, committee, kind, published as marked, source_file as mark_file, mark_row,
    count(*) as units,
    count(*) filter (where created_then) as created
from whole_mark_units($as_of::date, $district::varchar)
where not whole
group by district, town, committee, kind, published, source_file, mark_row
having count(*) filter (where created_then) = count(*)
order by district, town, committee, kind, published, source_file
