// What is recorded about the adapter; here so that device.ts and profile.ts, which both speak of
// it, need not import each other.

/** What we record about the adapter with every result, so a figure always says where it came from. */
export interface AdapterReport {
  description: string;
  vendor: string;
  architecture: string;
  /** "vulkan" / "gl" for the software adapter (src/gpu/profile.ts `adapterBackend`), else "unknown". */
  backend: string;
  isFallbackAdapter: boolean;
  subgroupMaxSize: number;
  requestedBackend: string | null;
}
