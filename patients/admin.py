"""Patient records are not browsable in the admin: PHI is visible to its owner, and to staff
only through a recorded reason (the review flow of a later issue)."""
