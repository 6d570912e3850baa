CREATE TABLE "revocation" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sid" text,
	"client_id" text,
	"revoked_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	CONSTRAINT "revocation_names_one_subject" CHECK (("revocation"."sid" is null) <> ("revocation"."client_id" is null))
);
--> statement-breakpoint
CREATE INDEX "revocation_tx_idx" ON "revocation" USING btree ("tx");--> statement-breakpoint
CREATE INDEX "revocation_revoked_at_idx" ON "revocation" USING btree ("revoked_at");