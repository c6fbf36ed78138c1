"""The supervisors' workbench: trying recipes without submitting (``recipe test``), probing web pages for
locators (``recipe probe --url``) and publishing signed recipe sets (``recipe publish``).

Application layer: it drives the engine and the drivers for a supervisor, never for a citizen's case, and
stores nothing a clerk's fill would not (a test keeps its run in memory and writes only its report).
"""
