"""Chapter "Recurrence strikes back": linear recurrences, the parallel scan, and what they give up."""
