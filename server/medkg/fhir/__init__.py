"""FHIR R4 terminology service over the loaded build: CodeSystem, ValueSet, ConceptMap and their operations
(mounted by ``mount``)."""
