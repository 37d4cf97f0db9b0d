export * from './topics.js';
export * from './topic-namespace.js';
export * as oip from './gen/inference/grpc_predict_v2.js';
export * as health from './gen/grpc/health/v1/health.js';
export * as events from './gen/ratchet/v1/events.js';
export {
  GRPCInferenceServiceService,
  GRPCInferenceServiceClient,
  type GRPCInferenceServiceServer,
} from './gen/inference/grpc_predict_v2.js';
export { HealthService, HealthClient, type HealthServer } from './gen/grpc/health/v1/health.js';
export {
  PredictionLogged,
  LabelObserved,
  ModelVersionPublished,
  ModelManifest,
  Tensor,
  TensorSpec,
  RouteInfo,
  MemberCall,
} from './gen/ratchet/v1/events.js';
export * from './raw-tensor.js';
export * as router from './gen/ratchet/v1/router.js';
export {
  Policy,
  SinglePolicy,
  SplitPolicy,
  SplitArm,
  ShadowPolicy,
  EnsemblePolicy,
  EnsembleStrategy,
  ParetoPolicy,
  PolicyUpdated,
  SetPolicyRequest,
  GetPolicyRequest,
  ListPoliciesResponse,
  DeletePolicyRequest,
  RouterAdminService,
  RouterAdminClient,
  type RouterAdminServer,
} from './gen/ratchet/v1/router.js';
export * as monitor from './gen/ratchet/v1/monitor.js';
export {
  LabeledExample,
  MetricsReport,
  ArmComparison,
  Alert,
  AlertEvidence,
  AlertKind,
  AlertSeverity,
  WindowKind,
  alertKindToJSON,
  alertSeverityToJSON,
  windowKindToJSON,
} from './gen/ratchet/v1/monitor.js';
export * as retrainer from './gen/ratchet/v1/retrainer.js';
export {
  RetrainRequest,
  RetrainJobEvent,
  RetrainJobEventKind,
  RetrainOutcome,
  retrainJobEventKindToJSON,
  retrainOutcomeToJSON,
  RolloutEvent,
  RolloutEventKind,
  rolloutEventKindToJSON,
  TaskColumn,
  TrainingTask,
  TrainingResult,
} from './gen/ratchet/v1/retrainer.js';
