import { Presets } from 'rete-react-plugin';
import type { StudioConnection } from './rete-types';

/** A wire colored by the socket type it carries. */
export function makeConnectionView() {
  return function ConnectionView({ data }: { data: StudioConnection }) {
    const { path } = Presets.classic.useConnection();
    if (!path) return null;
    return (
      <svg className="wire" data-testid="connection">
        <path d={path} stroke={data.color} />
      </svg>
    );
  };
}
