import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createVsCodeMessenger } from './vscodeApi';
// Imported here rather than by the components so tests can load them in plain Node.
import '@xyflow/react/dist/style.css';
import './styles.css';
import './verification.css';

const container = document.getElementById('root');
if (container) createRoot(container).render(<App messenger={createVsCodeMessenger()} events={window} />);
