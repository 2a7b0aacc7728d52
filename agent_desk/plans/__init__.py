"""Follow-up plans as data, the scheduler that turns a discharge into tasks, the retry
policy and the follow-up rates. Qt-free and SQL-free."""
