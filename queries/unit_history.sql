-- The full status history of one unit, as published: every creation, revocation and model listing.
-- Grain: one row per event of the unit.
-- Parameters: $district, $town, $committee, $name (the unit's place and name, as the units query gives).
select
    e.event_id,
    e.event,
    e.batch,
    e.counts_rounds,
    e.published,
    e.source_file,
    e.source_row
from events as e
join units as u using (unit_id)
where u.district = $district and u.town = $town and u.committee = $committee and u.name = $name
order by e.published, e.event_id
