import { workspaceProject } from '../../vitest.project.ts';

export default workspaceProject('python', { include: ['*.test.ts'] });
