"""`python -m core.timing --help`: sweep recurrence vs attention over T and write a result JSON."""
from core.timing.sweep import main

main()
