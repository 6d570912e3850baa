import { workspaceProject } from '../../vitest.project.ts';

export default workspaceProject('client', { isolate: false });
