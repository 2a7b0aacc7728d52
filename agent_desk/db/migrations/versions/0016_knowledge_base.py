"""knowledge base: articles, their versions, and a Chinese full-text index on SQLite

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:00:00.000000

kb_articles holds each article as it reads now, kb_article_versions every version ever
saved; both sync (the change feed's triggers are made here on PostgreSQL, as 0005 made
them for the tables of its day). kb_search_rows numbers the articles for the index and
keeps each one's department beside it, so that a search kept to a department never reads
the articles' long rows.

On SQLite, two FTS5 tables index the current text of every article (see
agent_desk/db/knowledge_search.py): kb_fts with the trigram tokenizer (title, tags, body:
any substring of three characters or more) and kb_fts_bigram, contentless, holding every
pair of neighbouring Chinese characters as a word (two-character words such as 血压),
in two columns (title and tags; body) so that a match in the title ranks first,
written by the kb_han_bigrams function each connection registers (db/sqlcipher.py).
Triggers on kb_articles keep both in step, whoever writes the article (an edit, an
import, a row pulled from the server).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KIND = sa.Enum("faq", "script", "education", name="knowledgekind", native_enum=False, length=32)

_ROW = "(SELECT id FROM kb_search_rows WHERE article_id = {0}.id)"
_INDEX = (
    "INSERT INTO kb_fts (rowid, title, tags, body) VALUES ({row}, {t}.title, {t}.tags, {t}.body);"
    " INSERT INTO kb_fts_bigram (rowid, head, body) VALUES"
    " ({row}, kb_han_bigrams({t}.title || ' ' || {t}.tags), kb_han_bigrams({t}.body));"
)
_UNINDEX = "DELETE FROM kb_fts WHERE rowid = {row}; DELETE FROM kb_fts_bigram WHERE rowid = {row};"

_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE kb_fts USING fts5(title, tags, body, tokenize = 'trigram')",
    "CREATE VIRTUAL TABLE kb_fts_bigram USING fts5("
    "head, body, content = '', contentless_delete = 1, detail = 'column')",
    "CREATE TRIGGER kb_articles_search_insert AFTER INSERT ON kb_articles BEGIN"
    " INSERT INTO kb_search_rows (article_id, department_id) VALUES (new.id, new.department_id); "
    + _INDEX.format(row=_ROW.format("new"), t="new")
    + " END",
    "CREATE TRIGGER kb_articles_search_update AFTER UPDATE ON kb_articles BEGIN"
    " UPDATE kb_search_rows SET department_id = new.department_id WHERE article_id = new.id; "
    + _UNINDEX.format(row=_ROW.format("old"))
    + " "
    + _INDEX.format(row=_ROW.format("new"), t="new")
    + " END",
    "CREATE TRIGGER kb_articles_search_delete AFTER DELETE ON kb_articles BEGIN "
    + _UNINDEX.format(row=_ROW.format("old"))
    + " DELETE FROM kb_search_rows WHERE article_id = old.id; END",
)

# As 0005 wrote the feed's function (a migration is a snapshot: not imported from there).
_FEED_FUNCTION = """
CREATE FUNCTION sync_log_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO sync_change_log (txid, table_name, row_id, op, version, payload, changed_at)
        SELECT pg_current_xact_id()::text::bigint, '{table}', o.id, 'delete', {old_version},
               NULL, now() AT TIME ZONE 'UTC'
        FROM old_rows o;
    ELSE
        INSERT INTO sync_change_log (txid, table_name, row_id, op, version, payload, changed_at)
        SELECT pg_current_xact_id()::text::bigint, '{table}', n.id, lower(TG_OP),
               {new_version}, to_json(n), now() AT TIME ZONE 'UTC'
        FROM new_rows n;
    END IF;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > 0 THEN
        PERFORM pg_notify('agent_desk_sync', '');
    END IF;
    RETURN NULL;
END $$"""
_FEED_TABLES = {"kb_articles": True, "kb_article_versions": False}  # name: versioned


def upgrade() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("icd10_prefixes", sa.String(length=255), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("edited_by", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_kb_articles_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
        sa.UniqueConstraint("key", name=op.f("uq_kb_articles_key")),
    )
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_articles_department_id"), ["department_id"], unique=False
        )
    op.create_table(
        "kb_article_versions",
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("icd10_prefixes", sa.String(length=255), nullable=False),
        sa.Column("edited_by", sa.String(length=64), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_article_versions_article_id_kb_articles"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_kb_article_versions_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_article_versions")),
    )
    with op.batch_alter_table("kb_article_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_article_versions_article_id"), ["article_id"], unique=False
        )
    op.create_table(
        "kb_search_rows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_search_rows")),
        sa.UniqueConstraint("article_id", name=op.f("uq_kb_search_rows_article_id")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SEARCH_DDL:
            op.execute(statement)
    elif dialect == "postgresql":
        for table, versioned in _FEED_TABLES.items():
            op.execute(
                _FEED_FUNCTION.format(
                    table=table,
                    old_version="o.version" if versioned else "NULL",
                    new_version="n.version" if versioned else "NULL",
                )
            )
            for event, transition in (
                ("INSERT", "NEW TABLE AS new_rows"),
                ("UPDATE", "NEW TABLE AS new_rows"),
                ("DELETE", "OLD TABLE AS old_rows"),
            ):
                op.execute(
                    f"CREATE TRIGGER sync_log_{event.lower()} AFTER {event} ON {table} "
                    f"REFERENCING {transition} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION sync_log_{table}()"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER kb_articles_search_{trigger}")
        op.execute("DROP TABLE kb_fts_bigram")
        op.execute("DROP TABLE kb_fts")
    elif dialect == "postgresql":
        for table in _FEED_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER sync_log_{event} ON {table}")
            op.execute(f"DROP FUNCTION sync_log_{table}()")
    op.drop_table("kb_search_rows")
    with op.batch_alter_table("kb_article_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_article_versions_article_id"))
    op.drop_table("kb_article_versions")
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_articles_department_id"))
    op.drop_table("kb_articles")
