// SPDX-License-Identifier: GPL-2.0
// An intrusive, circular doubly linked list: objects carry their own node,
// so linking never allocates and never fails.
#pragma once

#include "types.h"

namespace kx {

struct ListNode {
  ListNode* prev = this;
  ListNode* next = this;

  bool linked() const { return next != this; }
  void unlink() {
    prev->next = next;
    next->prev = prev;
    prev = next = this;
  }
};

template <typename T, ListNode T::*Node>
class IntrusiveList {
 public:
  IntrusiveList() = default;
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;

  bool empty() const { return head_.next == &head_; }
  usize size() const {
    usize n = 0;
    for (const ListNode* p = head_.next; p != &head_; p = p->next) n++;
    return n;
  }

  void push_back(T* item) { insert_before(&head_, &(item->*Node)); }
  void push_front(T* item) { insert_before(head_.next, &(item->*Node)); }
  void remove(T* item) { (item->*Node).unlink(); }

  T* front() const { return empty() ? nullptr : owner(head_.next); }
  T* pop_front() {
    T* item = front();
    if (item) remove(item);
    return item;
  }

  class Iterator {
   public:
    explicit Iterator(ListNode* n) : node_(n), next_(n->next) {}
    T* operator*() const { return owner(node_); }
    // Safe against removal of the current element.
    Iterator& operator++() {
      node_ = next_;
      next_ = node_->next;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return node_ != o.node_; }

   private:
    ListNode* node_;
    ListNode* next_;
  };

  Iterator begin() { return Iterator(head_.next); }
  Iterator end() { return Iterator(&head_); }

 private:
  static void insert_before(ListNode* pos, ListNode* n) {
    n->next = pos;
    n->prev = pos->prev;
    pos->prev->next = n;
    pos->prev = n;
  }
  static T* owner(ListNode* n) {
    // offsetof for a pointer-to-member: the node's offset within T.
    const uptr offset = reinterpret_cast<uptr>(&(reinterpret_cast<T*>(0x1000)->*Node)) - 0x1000;
    return reinterpret_cast<T*>(reinterpret_cast<uptr>(n) - offset);
  }

  ListNode head_;
};

}  // namespace kx
