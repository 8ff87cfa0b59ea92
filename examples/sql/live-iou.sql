-- Live IoU per model version, from SQL (see docs/sql.md). Run it with
--   bin/maskstream sql -f examples/sql/live-iou.sql --bootstrap-servers HOST:PORT --var model=MODEL_FOLDER
-- (--var NAME=VALUE for the other placeholders; ${name:-x} is x without one). SqlPredictITCase runs this file
-- against the embedded broker and compares it with the DataStream job; SqlCommandITCase runs it through the command.

-- Rows wait in the model's micro-batches: let enough of them be in flight to fill one (4 x batch.size, as the job).
SET 'table.exec.async-ml-predict.max-concurrent-operations' = '64';
SET 'table.exec.async-ml-predict.output-mode' = 'ALLOW_UNORDERED';

-- The edit-requests topic: Avro single-object EditRequest values, checked as the job checks them. Records the job
-- would send to the dead letters are skipped and counted (metric maskstream.deadLetters{kind} on the source).
CREATE TABLE edit_requests (
  id STRING,
  event_time TIMESTAMP_LTZ(3),
  image BYTES,
  instruction STRING,
  ground_truth_mask BYTES,
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic:-edit-requests}',
  'properties.bootstrap.servers' = '${bootstrap.servers}',
  'properties.group.id' = '${group.id:-maskstream-sql}',
  'properties.max.partition.fetch.bytes' = '16777216',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = '${scan.bounded.mode:-unbounded}',
  'format' = 'maskstream-avro'
);

-- A saved model served inside the TaskManagers, micro-batched like the DataStream job.
CREATE TEMPORARY MODEL edit_mask
  INPUT (image BYTES, instruction STRING, ground_truth_mask BYTES)
  OUTPUT (mask_png BYTES, box ROW<x INT, y INT, width INT, height INT>, coverage DOUBLE, confidence DOUBLE,
          model_version STRING, pixel_counts ROW<tp BIGINT, fp BIGINT, fn BIGINT, tn BIGINT>)
  WITH ('provider' = 'maskstream', 'model.path' = '${model}', 'batch.size' = '16', 'batch.wait-ms' = '20');

CREATE TEMPORARY FUNCTION MASK_IOU AS 'org.maskstream.sql.MaskIou';

CREATE TEMPORARY VIEW predictions AS
SELECT id, event_time, instruction, mask_png, box, coverage, confidence, model_version, pixel_counts
FROM ML_PREDICT(TABLE edit_requests, MODEL edit_mask, DESCRIPTOR(image, instruction, ground_truth_mask));

-- The job's IouMetric: per event-time window and model version, over the labeled requests.
SELECT window_start, window_end, model_version, iou.n AS labeled, iou.mean_fg_iou, iou.pixel_iou,
       iou.p10_fg_iou, iou.p50_fg_iou, iou.p90_fg_iou
FROM (
  SELECT window_start, window_end, model_version,
         MASK_IOU(pixel_counts.tp, pixel_counts.fp, pixel_counts.fn, pixel_counts.tn) AS iou
  FROM TABLE(TUMBLE(TABLE predictions, DESCRIPTOR(event_time), INTERVAL '${window.seconds:-10}' SECOND))
  WHERE pixel_counts IS NOT NULL
  GROUP BY window_start, window_end, model_version
);
