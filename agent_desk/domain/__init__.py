"""Qt-free and SQL-free domain rules: enums, phone numbers, masking, passwords."""
