// The part of the ECharts API the supervisors' page uses (the package's own declarations are
// several megabytes; these few are enough for the type check).
export interface EChartsClickParams {
  componentType: string;
  seriesName?: string;
  seriesIndex?: number;
  dataIndex: number;
  name: string;
  value: unknown;
  data: unknown;
}
export interface ECharts {
  setOption(option: Record<string, unknown>, notMerge?: boolean): void;
  on(event: "click", handler: (params: EChartsClickParams) => void): void;
  off(event: string): void;
  resize(): void;
  dispose(): void;
  getDom(): HTMLElement;
}
export function init(dom: HTMLElement, theme?: string | null, opts?: Record<string, unknown>): ECharts;
export function getInstanceByDom(dom: HTMLElement): ECharts | undefined;
export const version: string;
