import { tmpdir } from "node:os";
import { UserError } from "../util/errors.ts";

/** What we record about the adapter with every result, so a figure always says where it came from. */
export interface AdapterReport {
  description: string;
  vendor: string;
  architecture: string;
  /** "vulkan" / "gl" for Mesa's llvmpipe (told apart by subgroupMaxSize), else "unknown". */
  backend: string;
  isFallbackAdapter: boolean;
  subgroupMaxSize: number;
  requestedBackend: string | null;
}

const NO_ADAPTER_HINT =
  "no WebGPU adapter found; install a driver (on Debian/Ubuntu without a GPU: apt-get install " +
  "mesa-vulkan-drivers libgl1-mesa-dri for Mesa's software adapter) or pick one with " +
  "DENO_WEBGPU_BACKEND=vulkan|gl";

/** Mesa's software rasteriser, for which several kernels pick llvmpipe-tuned shapes. */
export function isLlvmpipe(adapter: { description: string }): boolean {
  return adapter.description.includes("llvmpipe");
}

/** A software rasteriser or WebGPU's fallback adapter: its figures are not GPU figures. */
export function isSoftwareAdapter(
  a: Pick<AdapterReport, "description"> & Partial<AdapterReport>,
): boolean {
  if (a.isFallbackAdapter) return true;
  const text = `${a.description} ${a.vendor ?? ""} ${a.architecture ?? ""}`;
  return /llvmpipe|lavapipe|softpipe|swiftshader|software|basic render/i.test(text);
}

export async function requestDevice(): Promise<{ device: GPUDevice; report: AdapterReport }> {
  // Mesa's Vulkan window-system layer prints "XDG_RUNTIME_DIR is invalid" on stderr when the
  // variable is unset (servers, CI), which would bury our one-line errors; we draw no windows.
  if (!Deno.env.get("XDG_RUNTIME_DIR")) Deno.env.set("XDG_RUNTIME_DIR", tmpdir());
  if (!("gpu" in navigator) || !navigator.gpu) throw new UserError(NO_ADAPTER_HINT);
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new UserError(NO_ADAPTER_HINT);
  const info = adapter.info;
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
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
  const llvmpipe = isLlvmpipe(info);
  const report: AdapterReport = {
    description: info.description || `${info.vendor} ${info.architecture}`.trim() || "unknown",
    vendor: info.vendor,
    architecture: info.architecture,
    backend: llvmpipe ? (subgroupMaxSize === 8 ? "vulkan" : "gl") : "unknown",
    isFallbackAdapter: (info as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
      false,
    subgroupMaxSize,
    requestedBackend: Deno.env.get("DENO_WEBGPU_BACKEND") ?? null,
  };
  return { device, report };
}
