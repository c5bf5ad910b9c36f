import { UserError } from "../util/errors.ts";
import type { AdapterReport } from "./adapter_report.ts";
import { adapterBackend } from "./profile.ts";
import { platform } from "../platform/mod.ts";

export type { AdapterReport };
export { isSoftwareAdapter } from "./profile.ts";

export async function requestDevice(): Promise<{ device: GPUDevice; report: AdapterReport }> {
  const p = platform();
  p.beforeAdapter();
  if (!("gpu" in navigator) || !navigator.gpu) throw new UserError(p.noAdapterHint);
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new UserError(p.noAdapterHint);
  const info = adapter.info;
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    // Timestamp queries only where the adapter has them: the step profiler (src/profile/) times
    // kernels with them; nothing else writes timestamps, so training never pays for them.
    requiredFeatures: adapter.features.has("timestamp-query") ? ["timestamp-query"] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
    },
  });
  const subgroupMaxSize = (info as unknown as { subgroupMaxSize?: number }).subgroupMaxSize ?? 0;
  const report: AdapterReport = {
    description: info.description || `${info.vendor} ${info.architecture}`.trim() || "unknown",
    vendor: info.vendor,
    architecture: info.architecture,
    backend: adapterBackend(info, subgroupMaxSize),
    isFallbackAdapter: (info as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
      false,
    subgroupMaxSize,
    requestedBackend: p.env("DENO_WEBGPU_BACKEND") ?? null,
  };
  return { device, report };
}
