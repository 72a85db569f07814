Route #1: 1 2
Route #2: 5 4 3
Cost 81.2
