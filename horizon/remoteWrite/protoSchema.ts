/**
 * Prometheus remote_write 1.0's messages, from prometheus/prompb remote.proto and types.proto (v2.42),
 * embedded as text so protobufjs builds its decoder at load: no generated code, no .proto files to ship.
 * Only what a 1.0 WriteRequest carries; fields Kale does not read (exemplars, native histograms) stay
 * declared so their bytes are skipped, as protobuf skips unknown fields anyway.
 */
import protobuf from 'protobufjs';

const PROMPB = `
syntax = "proto3";
package prometheus;

message WriteRequest {
  repeated TimeSeries timeseries = 1;
  reserved 2;
  repeated MetricMetadata metadata = 3;
}

message MetricMetadata {
  enum MetricType {
    UNKNOWN = 0;
    COUNTER = 1;
    GAUGE = 2;
    HISTOGRAM = 3;
    GAUGEHISTOGRAM = 4;
    SUMMARY = 5;
    INFO = 6;
    STATESET = 7;
  }
  MetricType type = 1;
  string metric_family_name = 2;
  string help = 4;
  string unit = 5;
}

message Sample {
  double value = 1;
  int64 timestamp = 2;
}

message Exemplar {
  repeated Label labels = 1;
  double value = 2;
  int64 timestamp = 3;
}

message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Exemplar exemplars = 3;
}

message Label {
  string name = 1;
  string value = 2;
}
`;

export const COUNTER_TYPE = 1;
export const GAUGE_TYPE = 2;

export interface PromLabel {
  name: string;
  value: string;
}
export interface PromSample {
  value: number;
  timestamp: number | { toNumber(): number };
}
export interface PromTimeSeries {
  labels: PromLabel[];
  samples: PromSample[];
}
export interface PromMetadata {
  type: number;
  metricFamilyName: string;
}
export interface PromWriteRequest {
  timeseries: PromTimeSeries[];
  metadata: PromMetadata[];
}

export const WriteRequest = protobuf
  .parse(PROMPB, { keepCase: false })
  .root.lookupType('prometheus.WriteRequest');
export const MetricMetadata = WriteRequest.lookupType('prometheus.MetricMetadata');
export const Exemplar = WriteRequest.lookupType('prometheus.Exemplar');
