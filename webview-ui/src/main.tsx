import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LayoutCache } from './graph/layout';
import { connectToVsCode } from './vscodeApi';
// Imported here rather than by the components so tests can load them in plain Node.
import '@xyflow/react/dist/style.css';
import './styles.css';
import './verification.css';

const container = document.getElementById('root');
if (container) {
  const { messenger, layoutStore } = connectToVsCode();
  createRoot(container).render(
    <App messenger={messenger} events={window} layoutCache={new LayoutCache(layoutStore)} />,
  );
}
