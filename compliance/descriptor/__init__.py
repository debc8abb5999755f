"""compliance/descriptor"""
