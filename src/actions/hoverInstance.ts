/** Hover a mask or a list row: both highlight the same instance. */
import { appStore } from '../store/appStore';

export function hoverInstance(instanceId: number | null): void {
  if (appStore.getState().hoveredInstanceId !== instanceId) appStore.setState({ hoveredInstanceId: instanceId });
}
