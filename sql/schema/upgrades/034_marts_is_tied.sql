-- marts.rankings and marts.benchmark_gaps now carry is_tied (focus_is_tied, benchmark_is_tied), computed
-- once in mart_store.ranked, and the briefings read it from there. The views are re-created by every
-- rank build, so clearing meta.rank_state makes the next run rank (a full rebuild) before it briefs.
delete from meta.rank_state;
