import { workspaceProject } from '../vitest.project.ts';

export default workspaceProject('infra', { include: ['*.test.ts'] });
