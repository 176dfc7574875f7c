"""Everything that speaks SQL lives here; the rest of the code never sees a cursor."""
