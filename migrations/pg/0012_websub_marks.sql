CREATE TABLE "websub_marks" (
	"hub" text NOT NULL,
	"path" text NOT NULL,
	"mark" text NOT NULL,
	"announced_at" bigint NOT NULL,
	CONSTRAINT "websub_marks_hub_path_pk" PRIMARY KEY("hub","path")
);
