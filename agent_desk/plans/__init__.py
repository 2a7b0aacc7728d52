"""Follow-up plans as data, the scheduler that turns a discharge into tasks, the retry
policy. Qt-free and SQL-free."""
