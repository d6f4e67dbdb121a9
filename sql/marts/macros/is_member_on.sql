-- mart_store.is_member_on(valid_from, valid_to, day): a membership spell covers the day
-- (valid_from <= day < valid_to, open-ended when valid_to is null). A group's members in a period
-- are those whose spell covers the period's last day.
valid_from <= day and (valid_to is null or day < valid_to)
