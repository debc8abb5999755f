"""compliance/documents"""
