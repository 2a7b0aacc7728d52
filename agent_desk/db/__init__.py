"""Everything that speaks SQL: models, migrations, sessions and queries."""
