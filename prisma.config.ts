// Configuration for the Prisma CLI (`prisma generate`, and `prisma migrate deploy` on machines
// where users prefer to migrate by hand). Takoss itself applies migrations at start-up.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://takoss:takoss@127.0.0.1:5432/takoss',
  },
});
