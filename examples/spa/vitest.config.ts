import { workspaceProject } from '../../vitest.project.ts';

export default workspaceProject('example-spa', { isolate: false });
