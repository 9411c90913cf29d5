"""Models exercising every field type, for the ORM datastore and the shared datastore suite."""
