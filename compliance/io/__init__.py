"""compliance/io"""
