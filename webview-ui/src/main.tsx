import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createVsCodeMessenger } from './vscodeApi';

const container = document.getElementById('root');
if (container) createRoot(container).render(<App messenger={createVsCodeMessenger()} events={window} />);
