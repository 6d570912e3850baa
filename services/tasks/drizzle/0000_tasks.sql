CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'todo' NOT NULL,
	"due_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_user_id_check" CHECK ("tasks"."user_id" <> ''),
	CONSTRAINT "tasks_status_check" CHECK ("tasks"."status" in ('todo', 'in_progress', 'done')),
	CONSTRAINT "tasks_title_length_check" CHECK (char_length("tasks"."title") between 1 and 200),
	CONSTRAINT "tasks_description_length_check" CHECK ("tasks"."description" is null or char_length("tasks"."description") <= 5000)
);
--> statement-breakpoint
CREATE INDEX "tasks_user_id_created_at_id_idx" ON "tasks" USING btree ("user_id","created_at","id");