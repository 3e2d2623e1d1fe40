"""GitHub: sign-in, linking, syncing a profile and its repositories, and what they say about
the candidate."""
