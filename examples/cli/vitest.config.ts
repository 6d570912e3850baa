import { workspaceProject } from '../../vitest.project.ts';

export default workspaceProject('example-cli', { isolate: false });
