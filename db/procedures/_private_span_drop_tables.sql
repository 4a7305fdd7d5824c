-- Stage of sp_aggregate_span: drops the temporary tables its stages filled.
DROP PROCEDURE IF EXISTS _private_span_drop_tables;
CREATE PROCEDURE _private_span_drop_tables()
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: drop its temporary tables'
BEGIN
  DROP TEMPORARY TABLE IF EXISTS apr_tmp_stretches, apr_tmp_slots, apr_tmp_hours, apr_tmp_edges,
    apr_tmp_last, apr_tmp_carried, apr_tmp_agents, apr_tmp_group, apr_tmp_calls, apr_tmp_in, apr_tmp_state, apr_tmp_pieces,
    apr_tmp_na_reason, apr_tmp_reasons, apr_tmp_activity, apr_tmp_out_slots, apr_tmp_out_hours,
    apr_tmp_out_reasons, apr_tmp_checkpoints, apr_tmp_instants;
END
